package server

import "testing"

func TestSitemapChunks(t *testing.T) {
	urls := make([]sitemapURL, 120001)
	chunks := sitemapChunks(urls, maxSitemapURLs)
	if len(chunks) != 3 || len(chunks[0]) != 50000 || len(chunks[1]) != 50000 || len(chunks[2]) != 20001 {
		t.Errorf("chunks of %d, %d, %d", len(chunks[0]), len(chunks[1]), len(chunks[2]))
	}
	if c := sitemapChunks(urls[:50000], maxSitemapURLs); len(c) != 1 {
		t.Errorf("50,000 URLs make %d sitemaps", len(c))
	}
}
