package breaker

import (
	"errors"
	"time"
)

// t0 is the fake clock's origin in this package's tests.
var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

var errSentinel = errors.New("my sentinel")
