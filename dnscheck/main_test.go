package dnscheck_test

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// testsAtOnce is how many parallel tests run at once unless -parallel
// says otherwise.
const testsAtOnce = 8

// TestMain runs more parallel tests at once than -parallel's default (the
// number of CPUs): most of this package's time is spent waiting, for a
// silent server's short timeout or an injected latency, not computing. A
// healthy answer is waited for 10 s (fxAnswerWait), so a busier CPU never
// turns it into a timeout.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(testsAtOnce))
	}
	os.Exit(m.Run())
}
