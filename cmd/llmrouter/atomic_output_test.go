package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A command that fails part-way through writing its output leaves the
// file as it was and no temporary file behind. predict-verifier -o
// truncated an existing scores file, wrote the lines before a record
// without an answer, and failed, the old scores lost. Found running it on
// a file whose second record has no answer.
func TestFailedOutputKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1,"answer":"6"},"small":{"score":0}}}
`), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"record without answer", []string{"-weak", "small"}, `answers.jsonl: line 2 (id "b")`},
		{"no record of the model", []string{"-weak", "nosuch"}, `no record of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "scores.jsonl")
			require.NoError(t, os.WriteFile(out, []byte("old scores\n"), 0o644))
			var stdout, errb bytes.Buffer
			args := append(append([]string{"predict-verifier", "-o", out}, tc.args...), data)
			assert.Equal(t, 1, run(args, &stdout, &errb))
			assert.Contains(t, errb.String(), tc.want)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.Equal(t, "old scores\n", string(got))
			assertOnlyFiles(t, dir, "answers.jsonl", "scores.jsonl")
		})
	}
}

// writeOutput replaces a regular file only once the whole output is
// written; on an error the old file stays and the temporary one is gone.
// Where there is no file, it writes there; to a device (/dev/null) or
// through a symbolic link (/dev/stdout) it writes directly, never renaming
// over it.
func TestWriteOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	boom := errors.New("boom")
	require.ErrorIs(t, writeOutput(nil, path, func(w io.Writer) error {
		fmt.Fprint(w, "partial")
		return boom
	}), boom)
	assert.NoFileExists(t, path, "a failed first write leaves nothing")
	assertOnlyFiles(t, dir)

	require.NoError(t, writeOutput(nil, path, func(w io.Writer) error { _, err := io.WriteString(w, "v1"); return err }))
	require.ErrorIs(t, writeOutput(nil, path, func(w io.Writer) error {
		fmt.Fprint(w, "partial")
		return boom
	}), boom)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "v1", string(got))
	assertOnlyFiles(t, dir, "out.bin")

	require.NoError(t, writeOutput(nil, path, func(w io.Writer) error { _, err := io.WriteString(w, "v2"); return err }))
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got))
	st, err := os.Stat(path)
	require.NoError(t, err)
	ref, err := os.Create(filepath.Join(t.TempDir(), "ref"))
	require.NoError(t, err)
	rst, err := ref.Stat()
	require.NoError(t, err)
	require.NoError(t, ref.Close())
	assert.Equal(t, rst.Mode().Perm(), st.Mode().Perm(), "the mode os.Create gives (0666 less the umask)")

	// A symbolic link (/dev/stdout is one, to /proc/self/fd/1, a regular
	// file when the shell redirects to one) is written through, never
	// replaced by a file: the rename went over /dev/stdout itself.
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	require.NoError(t, os.Symlink(target, link))
	require.NoError(t, writeOutput(nil, link, func(w io.Writer) error { _, err := io.WriteString(w, "through"); return err }))
	lst, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, lst.Mode()&os.ModeSymlink, "the link is still a link")
	got, err = os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "through", string(got))

	require.NoError(t, writeOutput(nil, os.DevNull, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }))
	st, err = os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeDevice, "%s is still a device", os.DevNull)
}

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	assert.ElementsMatch(t, names, got)
}

// simulate -state writes through a symbolic link, as every output does;
// bandit.Policy.Save renamed its temporary file over the link (over
// /dev/stdout, for "-state /dev/stdout > state.bin").
func TestSimulateStateThroughLink(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 30, mStrong, mWeak)
	target, link := filepath.Join(dir, "state.bin"), filepath.Join(dir, "link")
	require.NoError(t, os.WriteFile(target, nil, 0o644))
	require.NoError(t, os.Symlink(target, link))
	runOK(t, "simulate", "-no-offline", "-price-free", "-state", link, data)
	lst, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, lst.Mode()&os.ModeSymlink, "the link is still a link")
	st, err := os.Stat(target)
	require.NoError(t, err)
	assert.NotZero(t, st.Size(), "the state went through the link")
}

// predict-verifier's error for a record without an answer names the file
// as well as the line: with several files, "record "b" (line 1)" did not
// say which. Found running it on two files.
func TestPredictVerifierErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.jsonl")
	require.NoError(t, os.WriteFile(first, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"small":{"score":1,"answer":"4"}}}`+"\n"), 0o644))
	second := filepath.Join(dir, "second.jsonl")
	require.NoError(t, os.WriteFile(second, []byte(`{"id":"b","prompt":"3+3?","outcomes":{"small":{"score":0}}}`+"\n"), 0o644))
	var stdout, errb bytes.Buffer
	assert.Equal(t, 1, run([]string{"predict-verifier", "-weak", "small", first, second}, &stdout, &errb))
	assert.Contains(t, errb.String(), second+`: line 1 (id "b"): model "small" has no answer text`)
}
