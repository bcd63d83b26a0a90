package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"
)

// addVersionFlag gives root the --version flag (docs/commands.md: "wizard
// --version"): it prints one line, "wizard <version> (<revision>)", and
// exits 0 without starting the wizard.
func addVersionFlag(root *cobra.Command) {
	info, ok := debug.ReadBuildInfo()
	root.Version = version(info, ok)
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	// Declared here rather than left to cobra, so that it has no -v
	// shorthand and says what it prints.
	root.Flags().Bool("version", false, "print the version and VCS revision, then exit")
}

// releaseVersion is the version a release build stamps in with
// -ldflags "-X main.releaseVersion=v1.2.3" (see docs/releasing.md); empty in
// other builds, which take the module version from the build information.
var releaseVersion string

// revisionLength is how much of the VCS revision the version shows: as
// much as a Go pseudo-version holds, enough to find the commit.
const revisionLength = 12

// version says which build this is, from its build information: the
// module version and, in parentheses, the VCS revision it was built from,
// with "+dirty" when the work tree had changes: "v1.2.0 (0123456789ab)",
// "(devel) (0123456789ab+dirty)". Without build information, or without a
// module version, the version is "(devel)"; without a revision, the
// parentheses are left out.
func version(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		if releaseVersion != "" {
			return releaseVersion
		}
		return "(devel)"
	}
	v := info.Main.Version
	if releaseVersion != "" {
		v = releaseVersion
	}
	if v == "" {
		v = "(devel)"
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > revisionLength {
		rev = rev[:revisionLength]
	}
	if dirty {
		rev += "+dirty"
	}
	return v + " (" + rev + ")"
}
