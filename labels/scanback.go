package labels

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// This file is the scan rule for links, as store.Resolve reads a label's
// link (store/resolve.go: snipeITLink, urlTags, resolveURL), copied here
// because labels imports nothing of ours. Keep the two alike:
// TestTemplateLinksScanBack in cmd/tagdesk renders each shape of link and
// resolves it.

// maxTag is the longest tag (store.MaxTagLen).
const maxTag = 32

// maxScan is the longest scan the desk reads (store.MaxScanLen, refused
// over it by store.CleanScan): a label's link longer than that scans as
// nothing. TestLinkLimitIsTheScanLimit in cmd/tagdesk ties the two.
const maxScan = 256

// linkTooLong says why a label's link of n bytes would not scan back, or
// "" when it fits a scan.
func linkTooLong(n int) string {
	if n <= maxScan {
		return ""
	}
	return fmt.Sprintf("its link is %d bytes, longer than the %d bytes a scan may be (the desk refuses a longer scan, so the label would not scan back)", n, maxScan)
}

// shortestLink is the length of the shortest link of a url pattern: the
// pattern with a tag of one character and no serial.
func shortestLink(pattern string) int { return len(fillURL(pattern, "0", "")) }

// urlCarriesTag says whether every label of a url pattern scans back as
// its asset: its link, filled in (fillURL) with sample tags and serials,
// names the tag it was filled with where a scan reads it (scansAs). A tag
// of letters and one of digits; a serial and none, so that a serial next
// to the tag does not pass (…/{tag}{serial}: the tag alone without one).
func urlCarriesTag(pattern string) bool {
	for _, tag := range []string{"TD-000123", "1005"} {
		for _, serial := range []string{"SN-77", ""} {
			if !scansAs(fillURL(pattern, tag, serial), tag) {
				return false
			}
		}
	}
	return true
}

// scansAs says whether a scan of link finds the asset tagged tag: the link
// is that tag; or it is no Snipe-IT link to its own asset id
// (…/hardware/1007, read as that id, never as a tag) and its path's last
// segment or its tag parameter (linkTags) is tag. The resolver tries the
// path's tag, then the parameter's, and takes the one an asset has: a
// segment that is a word (…/view?tag={tag}) or a parameter that is not a
// tag (…/a/{tag}?t=print) names no asset (were there an asset tagged VIEW
// or PRINT, the scan would be refused as naming two).
func scansAs(link, tag string) bool {
	link = strings.TrimSpace(link) // (as a scan is read: store's CleanScan)
	if normalizeTag(link) == tag {
		return true // (read as a tag before any link)
	}
	if snipeITLink(link) {
		return false
	}
	inPath, inQuery := linkTags(link)
	return inPath == tag || inQuery == tag
}

// linkTags reads the tags a link may carry (store's urlTags): its last
// path segment, and its first tag, asset_tag or t parameter with a value
// (in that order of names), each as a tag is read, "" when none or not
// tag-shaped.
func linkTags(link string) (inPath, inQuery string) {
	if !strings.Contains(link, "/") && !strings.Contains(link, "=") {
		return "", ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", ""
	}
	for _, k := range []string{"tag", "asset_tag", "t"} {
		if v := u.Query().Get(k); v != "" {
			if t := normalizeTag(v); tagShaped(t) {
				inQuery = t
			}
			break
		}
	}
	p := strings.TrimRight(u.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	if t := normalizeTag(p); tagShaped(t) {
		inPath = t
	}
	return inPath, inQuery
}

// snipeITLink says whether link is Snipe-IT's link to its own asset id,
// …/hardware/{digits} (store's snipeITLink): a scan reads the id, never a
// tag.
func snipeITLink(link string) bool {
	if !strings.Contains(link, "/hardware/") {
		return false
	}
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	dir, id := path.Split(strings.TrimRight(u.Path, "/"))
	return strings.HasSuffix(dir, "/hardware/") && id != "" && strings.Trim(id, "0123456789") == ""
}

// normalizeTag is a tag as a scan reads it (store.NormalizeTag; a link's
// invisible characters are dropped before, with its control characters).
func normalizeTag(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// tagShaped says whether s is a valid tag (store.ValidateTag): 1 to 32
// characters of [0-9A-Z-], not starting or ending with '-'.
func tagShaped(s string) bool {
	if s == "" || len(s) > maxTag || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
