package store_test

import (
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

func TestParseCost(t *testing.T) {
	for _, c := range []struct{ in, cost, cur string }{
		{"1299", "1299.00", ""},
		{"1299.5", "1299.50", ""},
		{"1,299.00", "1299.00", ""},
		{"$1,299.00", "1299.00", "USD"},
		{"1.299,00 €", "1299.00", "EUR"},
		{"€1.234,56", "1234.56", "EUR"},
		{"1234,56", "1234.56", ""},
		{"0,99", "0.99", ""},
		{"12,5", "12.50", ""},
		{"1 299,00", "1299.00", ""},
		{"1\u00a0299,00", "1299.00", ""},
		{"1'299.50", "1299.50", ""},
		{"1,234,567", "1234567.00", ""},
		{"1.234.567,8", "1234567.80", ""},
		{"1299.000", "1299.00", ""},
		{".5", "0.50", ""},
		{"007", "7.00", ""},
		{"£0.5", "0.50", "GBP"},
		{"₹1,23,456.00", "123456.00", "INR"},
		{"1,23,45,678", "12345678.00", ""},
		// A dollar with its country's letters: that country's.
		{"A$1,299.00", "1299.00", "AUD"},
		{"AU$ 1299", "1299.00", "AUD"},
		{"1299 CA$", "1299.00", "CAD"},
		{"c$12", "12.00", "CAD"},
		{"NZ$5", "5.00", "NZD"},
		{"US$5", "5.00", "USD"},
		{"HK$5", "5.00", "HKD"},
		{"S$5", "5.00", "SGD"},
		{"R$ 1.299,00", "1299.00", "BRL"},
	} {
		cost, cur, err := store.ParseCost(c.in)
		if err != nil || cost != c.cost || cur != c.cur {
			t.Errorf("ParseCost(%q) = %q, %q, %v; want %q, %q", c.in, cost, cur, err, c.cost, c.cur)
		}
	}
	for _, c := range []struct{ in, msg string }{
		{"$5 €", `purchase cost "$5 €" names two currencies: write one`}, // (it took one at random)
		{"A$5 €", `purchase cost "A$5 €" names two currencies: write one`},
		{"A$5 $", `purchase cost "A$5 $" names two currencies: write one`},
		{"XA$5", `purchase cost "XA$5" is not a number`},
		{"1,234", `purchase cost "1,234" could be read two ways: write it without a thousands separator (1234 or 1.234)`},
		{"1.234", `purchase cost "1.234" could be read two ways: write it without a thousands separator (1234 or 1.234)`},
		{"12.500", `purchase cost "12.500" could be read two ways: write it without a thousands separator (12500 or 12.500)`},
		{"1.23456", `purchase cost "1.23456" has more than two decimals`},
		{"0,123", `purchase cost "0,123" has more than two decimals`},
		{"-5", `purchase cost "-5" is negative: a cost is what was paid (0 or more)`},
		{"(1,299.00)", `purchase cost "(1,299.00)" is negative: a cost is what was paid (0 or more)`},
		{"1e3", `purchase cost "1e3" is not a number`},
		{"12,34,56", `purchase cost "12,34,56" is not a number`},
		{"123,45,678", `purchase cost "123,45,678" is not a number`},
		{"1,234,56,789", `purchase cost "1,234,56,789" is not a number`},
		{"1.234,567.8", `purchase cost "1.234,567.8" is not a number`},
		{"1,2.3", `purchase cost "1,2.3" is not a number`},
		{"$", `purchase cost "$" is not a number`},
		{"ten", `purchase cost "ten" is not a number`},
	} {
		_, _, err := store.ParseCost(c.in)
		if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != c.msg {
			t.Errorf("ParseCost(%q): %v; want %s", c.in, err, c.msg)
		}
	}
}

func TestParseDateNumeric(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"14/03/2024", "2024-03-14"},
		{"03/14/2024", "2024-03-14"},
		{"14.03.2024", "2024-03-14"},
		{"3-3-24", "2024-03-03"},
		{"14.03.24", "2024-03-14"},
		{"24-12-24", "2024-12-24"}, // (both readings the same day)
		{"03-03-03", "2003-03-03"},

		{"27-06-2030", "2030-06-27"},
		{"2024-03-04", "2024-03-04"},
		{"2024/03/04", "2024-03-04"},
	} {
		if got, err := store.ParseDate(c.in); err != nil || got != c.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, msg string }{
		{"03/04/2024", `"03/04/2024" could be Apr 3 or Mar 4: write the date as YYYY-MM-DD`},
		{"01.02.2027", `"01.02.2027" could be Feb 1 or Jan 2: write the date as YYYY-MM-DD`},
		{"31/02/2024", `"31/02/2024" is not a date (want YYYY-MM-DD)`},
		{"00/02/2024", `"00/02/2024" is not a date (want YYYY-MM-DD)`},
		// From a lifecycle hunt: a year first cut to two digits was read
		// as the day (24-03-15 stored as 2015-03-24).
		{"24-03-15", `"24-03-15" could be 2024-03-15 or 2015-03-24: write the date as YYYY-MM-DD`},
		{"27-06-30", `"27-06-30" could be 2027-06-30 or 2030-06-27: write the date as YYYY-MM-DD`},
		// Only the year first a date: a guess too (a review: 31-04-24
		// was stored as 2031-04-24).
		{"31-04-24", `"31-04-24" is not a date day first; year first it would be 2031-04-24: write the date as YYYY-MM-DD`},
		{"85-06-15", `"85-06-15" is not a date day first; year first it would be 1985-06-15: write the date as YYYY-MM-DD`},
	} {
		_, err := store.ParseDate(c.in)
		if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != c.msg {
			t.Errorf("ParseDate(%q): %v; want %s", c.in, err, c.msg)
		}
	}
}
