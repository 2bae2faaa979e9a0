package budget

import (
	"fmt"
	"time"
)

// Period is the length of a budget's window.
type Period uint8

// The periods a Window can have. A month is a calendar month, or 30 days
// when rolling.
const (
	Minute Period = iota + 1
	Hour
	Day
	Month
)

// String returns "minute", "hour", "day" or "month".
func (p Period) String() string {
	switch p {
	case Minute:
		return "minute"
	case Hour:
		return "hour"
	case Day:
		return "day"
	case Month:
		return "month"
	}
	return fmt.Sprintf("Period(%d)", uint8(p))
}

// RollingSlots is how many slots a rolling window keeps: spend is counted
// per slot of one sixtieth of the window (a second of a minute, 24 minutes
// of a day), so a rolling window is exact to one slot.
const RollingSlots = 60

// Window is the time over which a limit holds: the calendar minute, hour,
// day or month (UTC) the request falls in, or, when Rolling, the last
// such period (to one slot: see RollingSlots).
type Window struct {
	Period  Period
	Rolling bool
}

// String returns "day", "rolling-day", …: the window's part of a bucket key.
func (w Window) String() string {
	if w.Rolling {
		return "rolling-" + w.Period.String()
	}
	return w.Period.String()
}

func (w Window) check() error {
	if w.Period < Minute || w.Period > Month {
		return fmt.Errorf("unknown window period %d (use budget.Minute, Hour, Day or Month)", w.Period)
	}
	return nil
}

// length is the rolling window's length.
func (w Window) length() time.Duration {
	switch w.Period {
	case Minute:
		return time.Minute
	case Hour:
		return time.Hour
	case Day:
		return 24 * time.Hour
	}
	return 30 * 24 * time.Hour
}

// SlotLength is the length of one slot of a rolling window.
func (w Window) SlotLength() time.Duration { return w.length() / RollingSlots }

// Slot returns the number of the rolling window's slot that holds t:
// slots are counted from the Unix epoch, so a remote store can key them.
func (w Window) Slot(t time.Time) int64 {
	return floorDiv(t.UnixNano(), int64(w.SlotLength()))
}

// SlotEnd returns when slot n of a rolling window has left the window:
// spend made in it stops counting then.
func (w Window) SlotEnd(n int64) time.Time {
	return time.Unix(0, (n+RollingSlots)*int64(w.SlotLength())).UTC()
}

// Calendar returns the calendar window holding t, in UTC: its start and
// end (the start of the next). Spend made in [start, end) counts until end.
func (w Window) Calendar(t time.Time) (start, end time.Time) {
	t = t.UTC()
	switch w.Period {
	case Minute:
		start = t.Truncate(time.Minute)
		return start, start.Add(time.Minute)
	case Hour:
		start = t.Truncate(time.Hour)
		return start, start.Add(time.Hour)
	case Day:
		start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 0, 1)
	}
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
