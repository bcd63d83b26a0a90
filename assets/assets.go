// Package assets holds the wizard's catalogs — the sending platform, the mail
// providers and the DNS hosts — as JSON files embedded in the binary, and the
// typed loaders that validate them.
//
// Every vendor-specific fact lives in platform.json (Neoserra by
// OutreachSystems by default); another platform is another file loaded with
// LoadPlatform, not a code change. providers.json maps a domain's MX hosts
// to its mail provider and that provider's SPF include (RFC 7208 §5.2);
// dnshosts.json maps a zone's NS hosts to its DNS hosting service and says
// how that host's web form wants record names and TXT values typed.
//
// MX and NS patterns use one small rule, documented at MatchesMX: a leading
// "*." stands for one or more labels, any other '*' for zero or more
// characters within a label; matching ignores case and a trailing dot.
//
// All errors start with "assets: ". Problems in a file are *FileError values
// that name the file, the field (as a JSON path) and, where known, the line.
package assets

import (
	_ "embed"
	"errors"
)

//go:embed platform.json
var platformJSON []byte

//go:embed providers.json
var providersJSON []byte

//go:embed dnshosts.json
var dnsHostsJSON []byte

// CheckEmbedded reports whether the embedded catalogs (platform, providers
// and DNS hosts) decode and validate. It returns nil in any build whose tests
// pass; the CLI may call it at start-up to fail loudly rather than run with an
// empty catalog.
func CheckEmbedded() error {
	_, perr := defaultPlatform()
	_, verr := providerCatalog()
	_, herr := dnsHostCatalog()
	return errors.Join(perr, verr, herr)
}
