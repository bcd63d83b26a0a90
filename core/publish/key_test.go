package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testSecret is recognisable: no output may hold it, or its start.
const testSecret = "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1zaG93bg=="

func noSecret(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, testSecret) || strings.Contains(s, testSecret[:12]) || strings.Contains(s, "secret-that-must") {
		t.Errorf("%s shows the secret: %s", what, s)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		opt        KeyOptions
		wantName   string
		wantAlg    string
		wantErr    string
	}{
		{name: "BIND file", text: "key \"wizard-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + testSecret + "\";\n};\n", wantName: "wizard-key.", wantAlg: AlgSHA256},
		{name: "BIND file with comments and sha512", text: "# made by tsig-keygen\nkey wizard.example. { // the key\n algorithm HMAC-SHA512; /* long\n comment */ secret \"" + testSecret + "\"; };", wantName: "wizard.example.", wantAlg: AlgSHA512},
		{name: "name:secret", text: "wizard-key:" + testSecret + "\n", wantName: "wizard-key.", wantAlg: AlgSHA256},
		{name: "alg:name:secret", text: "hmac-sha384:wizard-key:" + testSecret, wantName: "wizard-key.", wantAlg: AlgSHA384},
		{name: "md5 refused", text: "hmac-md5:wizard-key:" + testSecret, wantErr: "hmac-md5 is weak"},
		{name: "md5 allowed", text: "hmac-md5:wizard-key:" + testSecret, opt: KeyOptions{AllowMD5: true}, wantName: "wizard-key.", wantAlg: AlgMD5},
		{name: "sha1 refused", text: "hmac-sha1:wizard-key:" + testSecret, wantErr: "not accepted"},
		{name: "secret not base64", text: "wizard-key:" + testSecret[:20] + "!!", wantErr: "not base64"},
		{name: "secret and name swapped", text: testSecret + ":wizard-key", wantErr: "not"},
		{name: "two keys", text: "key a { algorithm hmac-sha256; secret \"" + testSecret + "\"; };\nkey b { algorithm hmac-sha256; secret \"" + testSecret + "\"; };", wantErr: "holds 2 keys"},
		{name: "no secret", text: "key a { algorithm hmac-sha256; };", wantErr: "has no secret"},
		{name: "no algorithm", text: "key a { secret \"" + testSecret + "\"; };", wantErr: "has no algorithm"},
		{name: "unclosed quote", text: "key a { algorithm hmac-sha256; secret \"" + testSecret + "; };", wantErr: "quote is not closed"},
		{name: "garbage", text: "hello world\nanother line " + testSecret, wantErr: "not a key"},
		{name: "empty", text: "", wantErr: "not a key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.text, tc.opt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrKey) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				noSecret(t, "the error", err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Name != tc.wantName || k.Algorithm != tc.wantAlg {
				t.Errorf("key = %s %s, want %s %s", k.Name, k.Algorithm, tc.wantName, tc.wantAlg)
			}
		})
	}
}

// TestKeyNeverShowsSecret: every way of printing a key leaves the secret
// out.
func TestKeyNeverShowsSecret(t *testing.T) {
	t.Parallel()
	k, err := ParseKey("wizard-key:"+testSecret, KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(struct{ Key Key }{k})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{k.String(), fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %q %x", k, k, k, k, k, k), fmt.Sprintf("%+v", struct{ K Key }{k}), string(j)} {
		noSecret(t, "printing the key", s)
		if !strings.Contains(s, "wizard-key") {
			t.Errorf("%q does not name the key", s)
		}
	}
}

func TestReadKeyFileMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "wizard.key")
	if err := os.WriteFile(path, []byte("wizard-key:"+testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(path, KeyOptions{}); err != nil {
		t.Fatalf("mode 600: %v", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := ReadKeyFile(path, KeyOptions{})
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %o: err = %v, want the chmod that fixes it", mode, err)
		} else {
			noSecret(t, "the error", err.Error())
		}
	}
	big := filepath.Join(dir, "big.key")
	if err := os.WriteFile(big, make([]byte, MaxKeyFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(big, KeyOptions{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a large file: err = %v", err)
	}
	if _, err := ReadKeyFile(dir, KeyOptions{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder: err = %v", err)
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("key \"a\" { algorithm hmac-sha256; secret \"" + testSecret + "\"; };")
	f.Add("hmac-sha512:a:" + testSecret)
	f.Add("key { ; } /* \" // #")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParseKey(text, KeyOptions{AllowMD5: true})
		if err != nil {
			if strings.Contains(text, testSecret) && strings.Contains(err.Error(), testSecret) {
				t.Errorf("error shows the secret: %v", err)
			}
			return
		}
		if k.Name == "" || len(k.secret) == 0 {
			t.Errorf("a key without name or secret: %v", k)
		}
	})
}
