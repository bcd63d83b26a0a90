package domainname_test

import (
	"fmt"

	"github.com/outreach-auth/wizard/core/domainname"
)

func ExampleNormalize() {
	for _, typed := range []string{
		" Jane.Doe@YourCenter.edu ",
		"Bücher.example",
		"https://www.yourcenter.edu/contact",
	} {
		in, err := domainname.Normalize(typed)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(in.Domain, in.Unicode)
		for _, note := range in.Notes() {
			fmt.Println("  " + note)
		}
	}
	// Output:
	// yourcenter.edu yourcenter.edu
	//   Using the domain part of the email address Jane.Doe@YourCenter.edu.
	// xn--bcher-kva.example bücher.example
	//   "Bücher.example" is written xn--bcher-kva.example in DNS.
	// error: That looks like a web address. Type the domain after the @ in your staff email addresses; if they end in @yourcenter.edu, type yourcenter.edu.
}
