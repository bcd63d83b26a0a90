package confirm

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxEntries bounds how many entries of a folder completion reads: a
// folder with more is completed from its first MaxEntries (in the order
// the system lists them), and says so.
const MaxEntries = 2000

// Completion is the result of completing a path.
type Completion struct {
	// Value is the text with the common prefix of the matches completed
	// (a folder's name gets its separator); the text itself when nothing
	// matches.
	Value string
	// Matches are the names that match, sorted, at most MaxShown.
	Matches []string
	// More counts the matches past Matches.
	More int
	// Truncated says the folder has more than MaxEntries entries, so a
	// match may be missing.
	Truncated bool
	// Err says why the folder could not be read ("" when it could).
	Err string
}

// MaxShown bounds Completion.Matches.
const MaxShown = 8

// Complete completes the last element of the path typed so far with the
// entries of its folder whose names start with it: to their longest
// common prefix, and to the whole name (a folder's with a separator) when
// one entry matches. A leading ~ stands for the home folder in the
// folder read, and stays as typed in Value. Hidden entries match only
// when the element starts with a dot.
func Complete(typed string) Completion {
	dir, base := splitPath(typed)
	f, err := os.Open(expandHome(dirOrDot(dir)))
	if err != nil {
		return Completion{Value: typed, Err: readErr(err)}
	}
	defer f.Close()
	entries, err := f.ReadDir(MaxEntries)
	c := Completion{Value: typed}
	if err != nil && !errors.Is(err, io.EOF) {
		c.Err = readErr(err)
		return c
	}
	if len(entries) == MaxEntries {
		if more, _ := f.ReadDir(1); len(more) > 0 {
			c.Truncated = true
		}
	}
	var names []string
	isDir := map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		names = append(names, n)
		d := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(expandHome(dirOrDot(dir)), n)); err == nil {
				d = st.IsDir()
			}
		}
		isDir[n] = d
	}
	sort.Strings(names)
	switch len(names) {
	case 0:
		return c
	case 1:
		c.Value = dir + names[0]
		if isDir[names[0]] {
			c.Value += string(os.PathSeparator)
		}
	default:
		c.Value = dir + commonPrefix(names)
	}
	if len(names) > 1 {
		c.Matches = names[:min(len(names), MaxShown)]
		c.More = len(names) - len(c.Matches)
		for i, n := range c.Matches {
			if isDir[n] {
				c.Matches[i] = n + string(os.PathSeparator)
			}
		}
	}
	return c
}

// splitPath splits typed after its last separator: the folder part as
// typed (with its separator) and the element being typed.
func splitPath(typed string) (dir, base string) {
	i := strings.LastIndexAny(typed, separators)
	return typed[:i+1], typed[i+1:]
}

func dirOrDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// expandHome replaces a leading ~ (alone or before a separator) with the
// home folder; other paths are returned as they are.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(os.PathSeparator)) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return home + p[1:]
}

// commonPrefix returns the longest common prefix of names (byte-wise,
// cut back to a whole character).
func commonPrefix(names []string) string {
	p := names[0]
	for _, n := range names[1:] {
		i := 0
		for i < len(p) && i < len(n) && p[i] == n[i] {
			i++
		}
		p = p[:i]
	}
	for len(p) > 0 && !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	return p
}

// readErr says why a folder could not be read, without the path (the
// person just typed it).
func readErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
