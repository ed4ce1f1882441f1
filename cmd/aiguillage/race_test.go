//go:build race

package main

// raceDetector is true in a test binary built with -race, which runs
// about ten times slower: the corpus test then samples the pages.
const raceDetector = true
