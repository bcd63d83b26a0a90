package publish

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"

	"github.com/miekg/dns"
)

// signer signs and verifies messages with one key: a dns.TsigProvider
// that also knows hmac-md5, which miekg/dns no longer does.
type signer struct{ key Key }

func (s signer) mac(msg []byte, t *dns.TSIG) ([]byte, error) {
	if dns.CanonicalName(t.Hdr.Name) != s.key.Name {
		return nil, dns.ErrSecret
	}
	var h hash.Hash
	switch dns.CanonicalName(t.Algorithm) {
	case AlgSHA256:
		h = hmac.New(sha256.New, s.key.secret)
	case AlgSHA384:
		h = hmac.New(sha512.New384, s.key.secret)
	case AlgSHA512:
		h = hmac.New(sha512.New, s.key.secret)
	case AlgMD5:
		h = hmac.New(md5.New, s.key.secret)
	default:
		return nil, dns.ErrKeyAlg
	}
	h.Write(msg)
	return h.Sum(nil), nil
}

// Generate implements dns.TsigProvider.
func (s signer) Generate(msg []byte, t *dns.TSIG) ([]byte, error) { return s.mac(msg, t) }

// Verify implements dns.TsigProvider.
func (s signer) Verify(msg []byte, t *dns.TSIG) error {
	want, err := s.mac(msg, t)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(t.MAC)
	if err != nil || !hmac.Equal(want, got) {
		return dns.ErrSig
	}
	return nil
}

// Provider returns a dns.TsigProvider for the key (for servers that check
// updates signed with it, such as the demo's).
func (k Key) Provider() dns.TsigProvider { return signer{k} }
