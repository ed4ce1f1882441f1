//go:build !race

package datainclusion

const raceDetector = false
