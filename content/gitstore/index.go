package gitstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/aiguillage/aiguillage/content"
)

// The index layout (bump indexVersion on any change: the index is rebuilt).
//
//	meta:    version, branch, tip (hex), seq (last sequence number)
//	commits: seq (8 bytes big-endian, oldest = 1) → encoded record
//	paths:   file name + "\x00" + seq → nothing; History reads backwards
const indexVersion = "1"

var (
	bucketMeta    = []byte("meta")
	bucketCommits = []byte("commits")
	bucketPaths   = []byte("paths")
)

// Batching of index writes: large transactions are much faster in bbolt.
const (
	batchCommits = 5000
	batchFiles   = 100000
)

// index is the bbolt path-history index. Writes (and tip, seq) are guarded
// by mu; ready says the index is complete up to some commit of the branch
// and may serve queries (it may lag the branch: queries catch it up first).
type index struct {
	db    *bolt.DB
	mu    sync.Mutex
	tip   plumbing.Hash
	seq   uint64
	ready atomic.Bool

	// Background building.
	bgMu     sync.Mutex
	building bool
	done     chan struct{} // closed when the current build ends
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// openIndex opens (or creates) the index file; an unreadable or
// incompatible file is replaced by an empty index.
func openIndex(path, branch string) (*index, error) {
	ix, err := tryOpenIndex(path, branch)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("gitstore: history index %s is locked by another process", path)
	}
	if err != nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("gitstore: history index %s: %w", path, err)
		}
		ix, err = tryOpenIndex(path, branch)
	}
	if err != nil {
		return nil, fmt.Errorf("gitstore: history index %s: %w", path, err)
	}
	ix.ctx, ix.cancel = context.WithCancel(context.Background())
	return ix, nil
}

func tryOpenIndex(path, branch string) (ix *index, err error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	defer func() {
		// bbolt panics on some corrupt pages: treat that as unreadable.
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt: %v", p)
		}
		if err != nil {
			db.Close()
			ix = nil
		}
	}()
	ix = &index{db: db}
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || string(meta.Get([]byte("version"))) != indexVersion ||
			string(meta.Get([]byte("branch"))) != branch ||
			tx.Bucket(bucketCommits) == nil || tx.Bucket(bucketPaths) == nil {
			return resetBuckets(tx, branch)
		}
		if tip := string(meta.Get([]byte("tip"))); tip != "" {
			if !isHex40(tip) {
				return resetBuckets(tx, branch)
			}
			ix.tip = plumbing.NewHash(tip)
		}
		ix.seq, _ = strconv.ParseUint(string(meta.Get([]byte("seq"))), 10, 64)
		return nil
	})
	return ix, err
}

func resetBuckets(tx *bolt.Tx, branch string) error {
	for _, name := range [][]byte{bucketMeta, bucketCommits, bucketPaths} {
		if tx.Bucket(name) != nil {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put([]byte("version"), []byte(indexVersion)); err != nil {
		return err
	}
	return meta.Put([]byte("branch"), []byte(branch))
}

// reset empties the index. The caller holds mu.
func (ix *index) reset(branch string) error {
	if err := ix.db.Update(func(tx *bolt.Tx) error { return resetBuckets(tx, branch) }); err != nil {
		return err
	}
	ix.tip, ix.seq = plumbing.ZeroHash, 0
	return nil
}

// close stops the background build, waits for it and closes the database.
func (ix *index) close() error {
	ix.cancel()
	ix.wg.Wait()
	return ix.db.Close()
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func pathKey(name string, seq uint64) []byte {
	k := make([]byte, 0, len(name)+9)
	k = append(k, name...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// put appends records (oldest first) in one transaction and moves the tip
// to the last one. The caller holds mu (or owns the index while it is not
// ready).
func (ix *index) put(recs []*record) error {
	if len(recs) == 0 {
		return nil
	}
	seq := ix.seq
	err := ix.db.Update(func(tx *bolt.Tx) error {
		commits, paths := tx.Bucket(bucketCommits), tx.Bucket(bucketPaths)
		commits.FillPercent = 0.95 // keys only ever grow
		var keys [][]byte
		for _, r := range recs {
			seq++
			if err := commits.Put(seqKey(seq), r.encode()); err != nil {
				return err
			}
			for _, f := range r.files {
				keys = append(keys, pathKey(f, seq))
			}
		}
		// Sorted inserts touch each page once.
		slices.SortFunc(keys, bytes.Compare)
		for _, k := range keys {
			if err := paths.Put(k, nil); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put([]byte("tip"), []byte(recs[len(recs)-1].hash.String())); err != nil {
			return err
		}
		return meta.Put([]byte("seq"), []byte(strconv.FormatUint(seq, 10)))
	})
	if err != nil {
		return fmt.Errorf("gitstore: history index: %w", err)
	}
	ix.seq, ix.tip = seq, recs[len(recs)-1].hash
	return nil
}

// history returns up to limit (all when limit <= 0) commits touching name,
// newest first.
func (ix *index) history(name string, limit int) ([]content.Commit, error) {
	var out []content.Commit
	err := ix.db.View(func(tx *bolt.Tx) error {
		commits := tx.Bucket(bucketCommits)
		c := tx.Bucket(bucketPaths).Cursor()
		prefix := append([]byte(name), 0)
		k, _ := c.Seek(pathKey(name, ^uint64(0)))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, _ = c.Prev() {
			rec, err := decodeRecord(commits.Get(k[len(prefix):]))
			if err != nil {
				return err
			}
			out = append(out, rec.commit())
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gitstore: history of %s: %w", name, err)
	}
	return out, nil
}

// log returns the latest limit commits (all when limit <= 0), newest first.
func (ix *index) log(limit int) ([]content.Commit, error) {
	var out []content.Commit
	err := ix.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCommits).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			rec, err := decodeRecord(v)
			if err != nil {
				return err
			}
			out = append(out, rec.commit())
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gitstore: log: %w", err)
	}
	return out, nil
}
