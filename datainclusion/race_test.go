//go:build race

package datainclusion

// raceDetector is true in a test binary built with -race, which runs about
// ten times slower: the corpus tests then use 1,000 services.
const raceDetector = true
