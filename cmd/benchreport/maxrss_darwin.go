package main

// maxrssPerKB is how many of getrusage's ru_maxrss units make a kilobyte:
// macOS (and iOS) count bytes.
const maxrssPerKB = 1024
