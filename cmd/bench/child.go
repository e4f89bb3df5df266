package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a server the bench started as a process of its own: the real paywall binary or the baseline.
// Running them as children (not in-process) is what makes their RSS, CPU time and start-up time theirs and
// not the load generator's.
type child struct {
	name    string
	cmd     *exec.Cmd
	started time.Time
	ready   time.Duration // from exec to the first 200 from readyURL
	exited  chan struct{} // closed when the process has exited
	waitErr error         // set before exited is closed
	out     *tailBuffer   // the end of its stdout and stderr, shown when something fails
}

// childSpec says how to start one child and how to know it is up.
type childSpec struct {
	name     string
	path     string
	args     []string
	env      []string
	readyURL string
	// onLine, when set, sees every line of output (the sandbox request log, calls.go). It runs on the
	// goroutine reading the child's output: it must not block for long.
	onLine func(line string)
}

// readyTimeout bounds how long a child may take to answer its readiness URL (and the call count's log to
// reach a marker): generous, since a test suite may be running on the same 2-core machine. The tests
// stretch it by PAYWALL_TEST_SLOWDOWN.
var readyTimeout = 30 * time.Second

// startChild execs spec and polls its readiness URL until it answers 200, the process exits or
// readyTimeout passes. Polling every 2 ms is what makes the start-up time precise to a couple of ms.
func startChild(ctx context.Context, spec childSpec) (*child, error) {
	c := &child{name: spec.name, exited: make(chan struct{}), out: newTailBuffer(64 << 10)}
	c.cmd = exec.Command(spec.path, spec.args...)
	c.cmd.Env = spec.env
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the bench
	var out io.Writer = c.out
	if spec.onLine != nil {
		pr, pw := io.Pipe()
		go func() {
			sc := bufio.NewScanner(pr)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				spec.onLine(sc.Text())
			}
			_, _ = io.Copy(io.Discard, pr) // a line over 1 MB: keep the child from blocking on its pipe
		}()
		out = io.MultiWriter(c.out, pw)
		go func() { <-c.exited; pw.Close() }()
	}
	c.cmd.Stdout, c.cmd.Stderr = out, out
	c.started = time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.name, err)
	}
	go func() { c.waitErr = c.cmd.Wait(); close(c.exited) }()

	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(readyTimeout)
	defer deadline.Stop()
	for {
		if ok := getOK(client, spec.readyURL); ok {
			c.ready = time.Since(c.started)
			return c, nil
		}
		select {
		case <-c.exited:
			return nil, fmt.Errorf("%s exited before it was ready (%v):\n%s", spec.name, c.waitErr, c.out.String())
		case <-deadline.C:
			c.stop()
			return nil, fmt.Errorf("%s not ready after %s:\n%s", spec.name, readyTimeout, c.out.String())
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

func getOK(client *http.Client, url string) bool {
	res, err := client.Get(url)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// stop sends SIGTERM (the app's graceful shutdown) and waits for the exit; after 15 s it kills.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("%s did not stop within 15 s of SIGTERM; killed", c.name)
	}
	var exit *exec.ExitError
	if errors.As(c.waitErr, &exit) {
		return fmt.Errorf("%s exited with %v:\n%s", c.name, c.waitErr, c.out.String())
	}
	return nil
}

// peakRSS is the process's high-water mark of resident memory (VmHWM in /proc/<pid>/status), in bytes:
// the peak over its whole life so far, not a sample.
func (c *child) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// clockTick is Linux's USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every
// architecture Go supports on Linux.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU the process has used so far, user plus system (/proc/<pid>/stat), in clock ticks of
// 10 ms: over a 10 s run at thousands of requests per second that is precise enough for µs per request.
func (c *child) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// freeAddr finds a free loopback port. The port is closed again before the child binds it; a clash is
// possible but rare, and the child then fails at start with a clear "address in use".
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
