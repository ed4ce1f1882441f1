// Command load is a small closed-loop HTTP load generator for aiguillage's
// benchmarks: -c clients each send a request, read the whole answer, then
// send the next one, cycling over the URLs given, for -d after -warmup.
// It reports requests per second, latency percentiles, errors and bytes.
//
//	go run ./bench/load -url http://127.0.0.1:8080/healthz -c 8 -d 20s
//	go run ./bench/load -url urls.txt -c 8 -d 20s -warmup 3s -gzip
//
// A -url value that does not start with http:// or https:// is a file of
// URLs, one a line; blank lines and lines starting with # are skipped.
//
// Being closed-loop, it measures latency as seen by clients that wait for
// each answer: when the server stalls, fewer requests are sent, so the
// percentiles understate what an open stream of visitors would see
// (coordinated omission). It is enough to compare versions and to check
// targets on an unsaturated server. It uses only the standard library.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// config is the command line.
type config struct {
	urls     []string
	clients  int
	duration time.Duration
	warmup   time.Duration
	timeout  time.Duration
	gzip     bool
	headers  http.Header
	jsonOut  bool
	label    string
	spread   bool
	once     bool
	cpuPID   int
}

// urlList collects repeated -url flags.
type urlList []string

func (u *urlList) String() string     { return strings.Join(*u, " ") }
func (u *urlList) Set(v string) error { *u = append(*u, v); return nil }

// headerList collects repeated -H "Name: value" flags.
type headerList http.Header

func (h headerList) String() string { return fmt.Sprint(http.Header(h)) }
func (h headerList) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Errorf("header %q: want \"Name: value\"", v)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	rep, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if cfg.jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.print(os.Stdout)
	}
	if rep.Requests == 0 || rep.Errors == rep.Requests {
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var (
		cfg  config
		urls urlList
	)
	cfg.headers = http.Header{}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Var(&urls, "url", "URL to request, or a file of URLs (one a line); repeatable")
	fs.IntVar(&cfg.clients, "c", 8, "concurrent clients (each has its own keep-alive connection)")
	fs.DurationVar(&cfg.duration, "d", 10*time.Second, "measured duration")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured load before the measure (fills caches, opens connections)")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.BoolVar(&cfg.gzip, "gzip", false, "send Accept-Encoding: gzip, like a browser (bytes are then counted compressed)")
	fs.Var(headerList(cfg.headers), "H", "extra request header \"Name: value\"; repeatable")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print the report as JSON")
	fs.StringVar(&cfg.label, "label", "", "name of the run, printed with the report")
	fs.IntVar(&cfg.cpuPID, "cpu-pid", 0, "also report the CPU time this process (the server, on the same machine) used during the measure, from /proc/PID/stat")
	fs.BoolVar(&cfg.once, "once", false, "request each URL exactly once, without warm-up, and stop (e.g. to time first, uncached renders)")
	fs.BoolVar(&cfg.spread, "spread", false, "each client walks the URL list from its own starting point (default: clients interleave over the list)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if len(urls) == 0 {
		return cfg, errors.New("at least one -url is required")
	}
	for _, u := range urls {
		if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			cfg.urls = append(cfg.urls, u)
			continue
		}
		list, err := readURLs(u)
		if err != nil {
			return cfg, err
		}
		cfg.urls = append(cfg.urls, list...)
	}
	if len(cfg.urls) == 0 {
		return cfg, errors.New("no URL to request")
	}
	if cfg.clients < 1 || cfg.duration <= 0 {
		return cfg, errors.New("-c must be at least 1 and -d positive")
	}
	return cfg, nil
}

func readURLs(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// newClient returns a keep-alive client with one idle connection kept per
// worker, no transparent decompression and no redirect following, so that
// what is measured is exactly one request and its answer.
func newClient(cfg config) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        cfg.clients * 2,
		MaxIdleConnsPerHost: cfg.clients * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       cfg.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// sample is what one worker saw during the measure.
type sample struct {
	latencies []time.Duration
	bytes     int64
	statuses  map[int]int
	errs      map[string]int
}

func run(ctx context.Context, cfg config) (*report, error) {
	client := newClient(cfg)
	defer client.CloseIdleConnections()

	if !cfg.once && cfg.warmup > 0 { // the same load, unmeasured
		wctx, cancel := context.WithTimeout(ctx, cfg.warmup)
		drive(wctx, client, cfg)
		cancel()
	}
	cpu0, err := cpuSeconds(cfg.cpuPID)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var samples []*sample
	if cfg.once {
		samples = driveOnce(ctx, client, cfg)
	} else {
		mctx, cancel := context.WithTimeout(ctx, cfg.duration)
		samples = drive(mctx, client, cfg)
		cancel()
	}
	elapsed := time.Since(start)
	cpu1, err := cpuSeconds(cfg.cpuPID)
	if err != nil {
		return nil, err
	}
	r := summarize(cfg, samples, elapsed)
	if cfg.cpuPID > 0 {
		r.ServerCPUSeconds = cpu1 - cpu0
		if r.Requests > 0 {
			r.ServerCPUPerReqMs = r.ServerCPUSeconds * 1000 / float64(r.Requests)
		}
	}
	return r, nil
}

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// cpuSeconds returns the user+system CPU time of process pid so far; 0
// when pid is 0.
func cpuSeconds(pid int) (float64, error) {
	if pid <= 0 {
		return 0, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("-cpu-pid: %w", err)
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count fields after its closing parenthesis. utime and stime are
	// fields 14 and 15, so the 12th and 13th after it.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("-cpu-pid: unexpected /proc/%d/stat", pid)
	}
	var utime, stime float64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0, fmt.Errorf("-cpu-pid: utime: %w", err)
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0, fmt.Errorf("-cpu-pid: stime: %w", err)
	}
	return (utime + stime) / clockTicks, nil
}

// drive runs cfg.clients workers until ctx ends and returns what each saw.
func drive(ctx context.Context, client *http.Client, cfg config) []*sample {
	samples := make([]*sample, cfg.clients)
	var wg sync.WaitGroup
	for w := range cfg.clients {
		s := &sample{statuses: map[int]int{}, errs: map[string]int{}, latencies: make([]time.Duration, 0, 1<<14)}
		samples[w] = s
		wg.Go(func() { work(ctx, client, cfg, w, s) })
	}
	wg.Wait()
	return samples
}

// driveOnce shares the URLs among cfg.clients workers, each requested once.
func driveOnce(ctx context.Context, client *http.Client, cfg config) []*sample {
	samples := make([]*sample, cfg.clients)
	next := make(chan string)
	var wg sync.WaitGroup
	for w := range cfg.clients {
		s := &sample{statuses: map[int]int{}, errs: map[string]int{}}
		samples[w] = s
		wg.Go(func() {
			for u := range next {
				start := time.Now()
				status, nbytes, err := fetch(ctx, client, cfg, u)
				s.record(time.Since(start), status, nbytes, err)
			}
		})
	}
	for _, u := range cfg.urls {
		next <- u
	}
	close(next)
	wg.Wait()
	return samples
}

func (s *sample) record(lat time.Duration, status int, nbytes int64, err error) {
	s.latencies = append(s.latencies, lat)
	s.bytes += nbytes
	if err != nil {
		s.errs[errClass(err)]++
		return
	}
	s.statuses[status]++
}

func work(ctx context.Context, client *http.Client, cfg config, w int, s *sample) {
	n := len(cfg.urls)
	// Interleave workers over the list, so that concurrent requests hit
	// different URLs, as different visitors would.
	i, step := w, cfg.clients
	if cfg.spread {
		i, step = w*n/cfg.clients, 1
	}
	for ctx.Err() == nil {
		u := cfg.urls[i%n]
		i += step
		start := time.Now()
		status, nbytes, err := fetch(ctx, client, cfg, u)
		lat := time.Since(start)
		if ctx.Err() != nil {
			return // cut short by the end of the run: not a sample
		}
		s.record(lat, status, nbytes, err)
	}
}

func fetch(ctx context.Context, client *http.Client, cfg config, u string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	for name, values := range cfg.headers {
		req.Header[name] = values
	}
	if cfg.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return resp.StatusCode, n, err
	}
	return resp.StatusCode, n, nil
}

// errClass shortens a transport error to a stable label for counting.
func errClass(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// report is the result of a run.
type report struct {
	Label       string      `json:"label,omitempty"`
	URLs        int         `json:"urls"`
	Clients     int         `json:"clients"`
	Gzip        bool        `json:"gzip"`
	Once        bool        `json:"once"`
	Seconds     float64     `json:"seconds"`
	Requests    int         `json:"requests"`
	Errors      int         `json:"errors"`
	RPS         float64     `json:"requests_per_second"`
	P50ms       float64     `json:"p50_ms"`
	P90ms       float64     `json:"p90_ms"`
	P99ms       float64     `json:"p99_ms"`
	MaxMs       float64     `json:"max_ms"`
	MeanMs      float64     `json:"mean_ms"`
	Bytes       int64       `json:"bytes"`
	BytesPerReq float64     `json:"bytes_per_request"`
	Statuses    map[int]int `json:"statuses"`
	// ServerCPUSeconds is the CPU the -cpu-pid process used during the
	// measure; ServerCPUPerReqMs the same per request. On a shared
	// machine this is steadier than requests/s.
	ServerCPUSeconds  float64        `json:"server_cpu_seconds,omitempty"`
	ServerCPUPerReqMs float64        `json:"server_cpu_ms_per_request,omitempty"`
	ErrorKinds        map[string]int `json:"error_kinds,omitempty"`
}

func summarize(cfg config, samples []*sample, elapsed time.Duration) *report {
	r := &report{Label: cfg.label, URLs: len(cfg.urls), Clients: cfg.clients, Gzip: cfg.gzip, Once: cfg.once,
		Seconds: elapsed.Seconds(), Statuses: map[int]int{}, ErrorKinds: map[string]int{}}
	var all []time.Duration
	var sum time.Duration
	for _, s := range samples {
		all = append(all, s.latencies...)
		r.Bytes += s.bytes
		for code, n := range s.statuses {
			r.Statuses[code] += n
			if code >= 400 {
				r.Errors += n
			}
		}
		for kind, n := range s.errs {
			r.ErrorKinds[kind] += n
			r.Errors += n
		}
	}
	r.Requests = len(all)
	if r.Requests == 0 {
		return r
	}
	slices.Sort(all)
	for _, d := range all {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	at := func(p float64) float64 { return ms(all[min(len(all)-1, int(p*float64(len(all))))]) }
	r.RPS = float64(r.Requests) / elapsed.Seconds()
	r.P50ms, r.P90ms, r.P99ms = at(0.50), at(0.90), at(0.99)
	r.MaxMs = ms(all[len(all)-1])
	r.MeanMs = ms(sum / time.Duration(len(all)))
	r.BytesPerReq = float64(r.Bytes) / float64(r.Requests)
	return r
}

func (r *report) print(w io.Writer) {
	if r.Label != "" {
		fmt.Fprintf(w, "== %s\n", r.Label)
	}
	fmt.Fprintf(w, "%d URLs, %d clients, %.1f s, gzip=%v, once=%v\n", r.URLs, r.Clients, r.Seconds, r.Gzip, r.Once)
	fmt.Fprintf(w, "requests  %d (%.0f req/s), errors %d\n", r.Requests, r.RPS, r.Errors)
	fmt.Fprintf(w, "latency   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms\n",
		r.P50ms, r.P90ms, r.P99ms, r.MaxMs, r.MeanMs)
	fmt.Fprintf(w, "bytes     %d (%.0f per request, %.1f MB/s)\n", r.Bytes, r.BytesPerReq, float64(r.Bytes)/r.Seconds/1e6)
	if r.ServerCPUSeconds > 0 {
		fmt.Fprintf(w, "server    %.1f CPU-s, %.3f CPU-ms per request (%.2f cores busy)\n",
			r.ServerCPUSeconds, r.ServerCPUPerReqMs, r.ServerCPUSeconds/r.Seconds)
	}
	codes := make([]int, 0, len(r.Statuses))
	for code := range r.Statuses {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	fmt.Fprint(w, "statuses ")
	for _, code := range codes {
		fmt.Fprintf(w, " %d×%d", code, r.Statuses[code])
	}
	fmt.Fprintln(w)
	for kind, n := range r.ErrorKinds {
		fmt.Fprintf(w, "error     %s ×%d\n", kind, n)
	}
}
