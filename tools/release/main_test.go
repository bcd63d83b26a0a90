package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackAndChecksums: every target's archive holds the binary under its
// platform's name (executable outside Windows) and the README, and the
// checksums file lists each archive with its real SHA-256.
func TestPackAndChecksums(t *testing.T) {
	out := t.TempDir()
	bins := t.TempDir()
	readme := []byte("# wizard\n")
	var names []string
	for _, tg := range Targets {
		bin := filepath.Join(bins, tg.OS+tg.Arch, BinaryName(tg))
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, []byte("binary for "+tg.OS+"/"+tg.Arch), 0o755); err != nil {
			t.Fatal(err)
		}
		name, err := Pack(out, tg, "v1.2.3", bin, readme)
		if err != nil {
			t.Fatal(err)
		}
		if name != ArchiveName(tg, "v1.2.3") {
			t.Errorf("%s: archive %q, want %q", tg, name, ArchiveName(tg, "v1.2.3"))
		}
		files := readArchive(t, filepath.Join(out, name))
		want := "binary for " + tg.OS + "/" + tg.Arch
		if got := files[BinaryName(tg)]; got.data != want {
			t.Errorf("%s: %s holds %q, want %q", name, BinaryName(tg), got.data, want)
		}
		if tg.OS != "windows" && files[BinaryName(tg)].mode&0o111 == 0 {
			t.Errorf("%s: the binary is not executable (mode %o)", name, files[BinaryName(tg)].mode)
		}
		if files["README.md"].data != string(readme) {
			t.Errorf("%s: README %q", name, files["README.md"].data)
		}
		names = append(names, name)
	}
	for _, want := range []string{"wizard_1.2.3_windows_amd64.zip", "wizard_1.2.3_darwin_arm64.tar.gz", "wizard_1.2.3_linux_arm64.tar.gz"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("no %s: %v", want, err)
		}
	}
	if err := WriteChecksums(out, "v1.2.3", names); err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(out, "wizard_1.2.3_checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n")
	if len(lines) != len(Targets) {
		t.Fatalf("%d checksum lines, want %d:\n%s", len(lines), len(Targets), sums)
	}
	for _, line := range lines {
		hash, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("line %q is not HASH  NAME", line)
		}
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if hash != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: checksum %s, want %x", name, hash, sum)
		}
	}
}

// TestRunRefusesBadVersion: a version that is not vX.Y.Z is refused before
// anything is built.
func TestRunRefusesBadVersion(t *testing.T) {
	for _, v := range []string{"", "1.2.3", "v1.2", "v1.2.3; rm -rf /", "latest"} {
		if err := run(v, t.TempDir()); err == nil || !strings.Contains(err.Error(), "is not a version") {
			t.Errorf("run(%q) = %v, want a refusal", v, err)
		}
	}
}

type entry struct {
	data string
	mode os.FileMode
}

func readArchive(t *testing.T, path string) map[string]entry {
	t.Helper()
	files := map[string]entry{}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			files[f.Name] = entry{string(data), f.Mode()}
		}
		return files
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		files[hdr.Name] = entry{string(data), os.FileMode(hdr.Mode)}
	}
	return files
}
