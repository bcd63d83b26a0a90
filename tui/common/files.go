package common

// SavedFile is a file the wizard wrote for the person: where it is and
// what it holds, in words ("the hand-off sheet for both domains
// (yourcenter.edu and sbdc.uni.edu), as a web page").
type SavedFile struct {
	Path  string // absolute
	Holds string
}

// HandoffFiles are the files the records step saved (hand-off sheets and
// instructions), in the order they were first written; a file written
// again keeps its place. The records step keeps them in the State, so the
// summary can list them.
type HandoffFiles []SavedFile

// With returns files with f added, or replacing the entry for the same
// path.
func (files HandoffFiles) With(f SavedFile) HandoffFiles {
	out := append(HandoffFiles(nil), files...)
	for i, old := range out {
		if old.Path == f.Path {
			out[i] = f
			return out
		}
	}
	return append(out, f)
}
