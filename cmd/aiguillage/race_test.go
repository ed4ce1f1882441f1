//go:build race

package main

// raceDetector is true in a test binary built with -race, which runs
// about ten times slower: the corpus test then serves a smaller corpus.
const raceDetector = true
