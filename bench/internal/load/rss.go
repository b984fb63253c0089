package load

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// PeakRSS returns the peak resident set size, in bytes, of process pid so
// far: the VmHWM line of /proc/<pid>/status (Linux only).
func PeakRSS(pid int) (int64, error) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS of process %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("peak RSS of process %d: VmHWM %q: %w", pid, v, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("peak RSS of process %d: no VmHWM in its status", pid)
}
