package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -prices file saved with a UTF-8 byte order mark (Windows editors add
// one), or with CRLF line ends, reads as without: outcomes files and
// configuration files already did, and the prices file failed with
// "line 1: invalid character 'ï' looking for beginning of value".
func TestPricesFileBOM(t *testing.T) {
	dir := t.TempDir()
	body := "{\r\n  \"models\": {\r\n    \"big\": {\"input_per_mtok\": 10, \"output_per_mtok\": 30}\r\n  }\r\n}\r\n"
	for name, data := range map[string]string{
		"plain": body,
		"bom":   "\xef\xbb\xbf" + body,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
			m, err := loadPrices(path)
			require.NoError(t, err)
			assert.Equal(t, map[string]price{"big": {In: 10, Out: 30}}, m)
		})
	}
	// Syntax errors still name the line, counted as in the file.
	path := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(path, []byte("\xef\xbb\xbf{\n\"models\": {\n\"big\": {\"input_per_mtok\": 10,,}}}\n"), 0o644))
	_, err := loadPrices(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 3:")
}
