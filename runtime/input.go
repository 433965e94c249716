package runtime

import "unsafe"

// input moves what an activation consumes out of queues q (batch messages
// of each slot; 0: all) into the slots of an Input, and returns the first
// (see activation.slots). The input of a one-slot routine with one message
// lives in a, and that of a two- or three-slot routine in one allocation,
// so the common activations make no garbage of their own.
func (d *routineDef) input(q []slotQueue, batch int, a *activation) *slotInput {
	in := Input{def: d}
	k := len(q)
	// Where single messages go: untyped ones, and boxed values.
	var ones []Message
	var vones []any
	switch {
	case k == 1:
		in.slots, ones, vones = a.slot1[:], a.one1[:], a.oneV[:]
	case k <= len(multiInput{}.one):
		mi := new(multiInput)
		in.slots, ones, vones = mi.slots[:k:k], mi.one[:k:k], mi.oneV[:k:k]
	default:
		in.slots = make([]slotInput, k)
		ones, vones = make([]Message, k), make([]any, k)
	}
	for i := range q {
		sq := &q[i]
		m := sq.msgs
		n := len(m)
		if batch > 0 {
			n = min(n, batch)
		}
		if n == 0 {
			continue
		}
		if d.slots[i].typ != nil {
			// Boxed values: the queue's slice is handed over as is.
			switch {
			case len(m) == 1:
				vones[i] = m[0]
				in.slots[i] = valsInput(vones[i : i+1 : i+1])
				sq.reset()
			case n == len(m):
				in.slots[i] = valsInput(m)
				sq.msgs = sq.one[:0:1]
			default:
				in.slots[i], sq.msgs = valsInput(m[:n:n]), m[n:]
			}
			continue
		}
		if n == 1 {
			ones[i] = m[0].(Message)
			in.slots[i] = msgsInput(ones[i : i+1 : i+1])
		} else {
			ms := make([]Message, n)
			for j := range n {
				ms[j] = m[j].(Message)
			}
			in.slots[i] = msgsInput(ms)
		}
		if n == len(m) {
			sq.reset()
		} else {
			clear(m[:n])
			sq.msgs = m[n:]
		}
	}
	return unsafe.SliceData(in.slots)
}
