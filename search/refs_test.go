package search

import "testing"

func testRefs(t testing.TB) *refsPending { return &refsPending{} }
