package main

import (
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// versionShape is the line --version prints: the name, the version, and
// the revision in parentheses when the build recorded one.
var versionShape = regexp.MustCompile(`^wizard (\(devel\)|v\S+)( \([0-9a-f]{1,12}(\+dirty)?\))?\n$`)

// TestVersionFlag: 'wizard --version' through the cobra root prints one
// line on stdout, the one version() makes of this binary's build
// information, and exits 0 without starting the wizard.
func TestVersionFlag(t *testing.T) {
	t.Parallel()
	r := runWizard(t, "--version")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d stderr %q, want 0 and nothing", r.code, r.stderr)
	}
	if !versionShape.MatchString(r.stdout) {
		t.Errorf("stdout %q, want one line \"wizard <version> (<revision>)\" or \"wizard (devel)\"", r.stdout)
	}
	info, ok := debug.ReadBuildInfo()
	if want := "wizard " + version(info, ok) + "\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	// No shorthand: -v is not --version.
	if r := runWizard(t, "-v"); r.code != exitUsage || strings.Contains(r.stdout, "wizard ") {
		t.Errorf("-v: exit %d stdout %q, want a usage error", r.code, r.stdout)
	}
	if r := runWizard(t, "--help"); !strings.Contains(r.stdout, "--version") {
		t.Errorf("--help does not list --version:\n%s", r.stdout)
	}
}

// TestVersion: the version line from the build information: the module
// version, the first 12 characters of the VCS revision and "+dirty" for a
// modified work tree; "(devel)" without build information.
func TestVersion(t *testing.T) {
	t.Parallel()
	const rev = "0123456789abcdef0123456789abcdef01234567"
	info := func(v string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/outreach-auth/wizard", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build information", nil, false, "(devel)"},
		{"tagged, clean", info("v1.2.0", "vcs.revision", rev, "vcs.modified", "false"), true, "v1.2.0 (0123456789ab)"},
		{"pseudo-version, dirty", info("v0.0.0-20261129224644-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true"), true,
			"v0.0.0-20261129224644-0123456789ab+dirty (0123456789ab+dirty)"},
		{"devel with a revision", info("(devel)", "vcs.revision", rev), true, "(devel) (0123456789ab)"},
		{"no module version", info("", "vcs.revision", "abc"), true, "(devel) (abc)"},
		{"no revision", info("v1.2.0", "vcs.modified", "true"), true, "v1.2.0"},
	} {
		if got := version(tc.info, tc.ok); got != tc.want {
			t.Errorf("%s: version = %q, want %q", tc.name, got, tc.want)
		}
		if line := "wizard " + version(tc.info, tc.ok) + "\n"; !versionShape.MatchString(line) {
			t.Errorf("%s: %q does not have the shape of the version line", tc.name, line)
		}
	}
}
