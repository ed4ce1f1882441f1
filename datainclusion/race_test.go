//go:build race

package datainclusion

// raceDetector is true in a test binary built with -race, which runs about
// ten times slower: the 10,000-service round trip is then left to the
// plain test run (the demo round trips still run).
const raceDetector = true
