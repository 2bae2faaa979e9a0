package redisstore

// WaitSync waits for the syncs running in the background.
func (l *Latency) WaitSync() { l.c.bg.Wait() }

// WaitSync waits for the syncs running in the background.
func (l *Learner) WaitSync() { l.c.bg.Wait() }
