package checks

import (
	"fmt"
	"net/netip"
)

func parseIP(s string) (netip.Addr, error) {
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("--ip %q is not an IP address", s)
	}
	return ip.Unmap(), nil
}
