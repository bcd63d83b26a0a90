//go:build !unix

package safefile

// oNonblock is zero where opening a file cannot block on a writer.
const oNonblock = 0
