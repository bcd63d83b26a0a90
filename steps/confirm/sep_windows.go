//go:build windows

package confirm

// separators are the characters that separate a path's elements.
const separators = `\/:`
