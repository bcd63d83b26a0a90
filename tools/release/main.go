// Command release builds the wizard for every platform it ships on and
// packs each build into an archive, with a SHA-256 checksums file beside
// them. See docs/releasing.md.
//
//	go run ./tools/release -version v1.2.0 -out dist
//
// Each build is made with -trimpath and CGO_ENABLED=0, with the version
// stamped in (wizard --version prints it). Windows builds go into a .zip,
// the others into a .tar.gz; each archive holds the binary and the README.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Target is one platform a release is built for.
type Target struct{ OS, Arch string }

// Targets are the platforms every release ships for.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// versionPattern is what -version accepts: a v-prefixed semantic version.
var versionPattern = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

func main() {
	version := flag.String("version", "", "the version to stamp in, e.g. v1.2.0 (required)")
	out := flag.String("out", "dist", "the folder to write the archives and checksums to")
	flag.Parse()
	if err := run(*version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

// run builds every target and writes its archive and the checksums file.
func run(version, out string) error {
	if !versionPattern.MatchString(version) {
		return fmt.Errorf("-version %q is not a version like v1.2.0", version)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("making %s: %w", out, err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return fmt.Errorf("reading the README (run from the repository's root): %w", err)
	}
	build, err := os.MkdirTemp("", "wizard-release-")
	if err != nil {
		return fmt.Errorf("making a build folder: %w", err)
	}
	defer os.RemoveAll(build)
	var archives []string
	for _, t := range Targets {
		bin := filepath.Join(build, t.OS+"-"+t.Arch, BinaryName(t))
		fmt.Fprintf(os.Stderr, "building %s/%s\n", t.OS, t.Arch)
		if err := buildBinary(t, version, bin); err != nil {
			return err
		}
		name, err := Pack(out, t, version, bin, readme)
		if err != nil {
			return err
		}
		archives = append(archives, name)
	}
	return WriteChecksums(out, version, archives)
}

// BinaryName is the file name of the wizard's binary for t.
func BinaryName(t Target) string {
	if t.OS == "windows" {
		return "wizard.exe"
	}
	return "wizard"
}

// ArchiveName is the file name of t's archive for version.
func ArchiveName(t Target, version string) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("wizard_%s_%s_%s%s", strings.TrimPrefix(version, "v"), t.OS, t.Arch, ext)
}

// buildBinary compiles the wizard for t into bin.
func buildBinary(t Target, version, bin string) error {
	cmd := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-s -w -X main.releaseVersion="+version,
		"-o", bin, "./cmd/wizard")
	cmd.Env = append(os.Environ(), "GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s/%s: %w", t.OS, t.Arch, err)
	}
	return nil
}

// Pack writes t's archive into out, holding the binary at bin and the
// README, and returns the archive's file name.
func Pack(out string, t Target, version, bin string, readme []byte) (string, error) {
	name := ArchiveName(t, version)
	f, err := os.Create(filepath.Join(out, name))
	if err != nil {
		return "", fmt.Errorf("creating %s: %w", name, err)
	}
	if t.OS == "windows" {
		err = packZip(f, bin, readme)
	} else {
		err = packTarGz(f, bin, readme)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("packing %s: %w", name, err)
	}
	return name, nil
}

// modTime is the time every archive entry carries, so that two builds of
// one version pack alike.
var modTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func packTarGz(w io.Writer, bin string, readme []byte) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	binData, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	for _, e := range []struct {
		name string
		mode int64
		data []byte
	}{{filepath.Base(bin), 0o755, binData}, {"README.md", 0o644, readme}} {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: modTime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), gz.Close())
}

func packZip(w io.Writer, bin string, readme []byte) error {
	zw := zip.NewWriter(w)
	binData, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	for _, e := range []struct {
		name string
		data []byte
	}{{filepath.Base(bin), binData}, {"README.md", readme}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: modTime})
		if err != nil {
			return err
		}
		if _, err := fw.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ChecksumsName is the name of version's checksums file.
func ChecksumsName(version string) string {
	return fmt.Sprintf("wizard_%s_checksums.txt", strings.TrimPrefix(version, "v"))
}

// WriteChecksums writes the SHA-256 of each archive in out, one
// "HASH  NAME" line each as sha256sum prints them (sha256sum -c reads it).
func WriteChecksums(out, version string, archives []string) error {
	archives = slices.Sorted(slices.Values(archives))
	var b strings.Builder
	for _, name := range archives {
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), name)
	}
	if err := os.WriteFile(filepath.Join(out, ChecksumsName(version)), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing the checksums: %w", err)
	}
	return nil
}
