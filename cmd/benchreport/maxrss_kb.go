//go:build unix && !darwin

package main

// maxrssPerKB is how many of getrusage's ru_maxrss units make a kilobyte:
// Linux and the BSDs count kilobytes.
const maxrssPerKB = 1
