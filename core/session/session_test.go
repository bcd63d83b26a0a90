package session

import "testing"

// A file written again keeps its place in the list, with what it holds
// now.
func TestAddFile(t *testing.T) {
	var s Session
	s.AddFile(SavedFile{Path: "/a.md", Holds: "one"})
	s.AddFile(SavedFile{Path: "/b.txt", Holds: "two"})
	s.AddFile(SavedFile{Path: "/a.md", Holds: "one, again"})
	if len(s.Files) != 2 || s.Files[0].Holds != "one, again" || s.Files[1].Path != "/b.txt" {
		t.Fatalf("Files = %+v", s.Files)
	}
}
