package roomdb

// Abandon stops p as a crash would: its rows stay open in the room.
func Abandon(p *Presence) {
	p.stop()
	<-p.done
}
