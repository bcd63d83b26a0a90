package common

// HandoffFile is one file of instructions the wizard wrote in this run:
// the records to publish, or the hand-off sheet for whoever edits DNS.
type HandoffFile struct {
	Path string // where it was written (absolute)
	What string // what it holds, e.g. "the hand-off sheet (web page)"
}

// HandoffFiles are the files of instructions written in this run, in the
// order they were first written; the records step keeps them in the State
// so the summary left on the terminal can say where they are.
type HandoffFiles []HandoffFile

// With returns the list with f added, or with the entry of the same path
// replaced (a file written again is listed once). The list is not
// modified.
func (fs HandoffFiles) With(f HandoffFile) HandoffFiles {
	out := make(HandoffFiles, 0, len(fs)+1)
	added := false
	for _, old := range fs {
		if old.Path == f.Path {
			old, added = f, true
		}
		out = append(out, old)
	}
	if !added {
		out = append(out, f)
	}
	return out
}
