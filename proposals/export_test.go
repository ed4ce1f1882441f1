package proposals

// CacheLen is the number of proposals the queue's cache holds.
func CacheLen(q *Queue) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.cache)
}
