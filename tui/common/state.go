package common

import "reflect"

// State carries what the steps have worked out (the domain, what DNS says,
// the provider, the plan, the reports, the advice) to the steps after them.
// Each value is stored under its own type, so a step reads an earlier
// step's result with Get[T] and the shell stores results without knowing
// what they are. The zero State is empty and ready to use.
type State struct {
	vals map[reflect.Type]entry
}

type entry struct {
	val  any
	step int // index of the step that produced it; -1 for given values
}

// NewState returns an empty State holding the given values (the wizard's
// starting point, or a test's).
func NewState(vals ...any) *State {
	st := &State{}
	for _, v := range vals {
		st.put(-1, v)
	}
	return st
}

// Put stores v under its type, replacing the value stored there before.
// Values put here are never dropped by Forget.
func (st *State) Put(v any) { st.put(-1, v) }

// PutFrom stores v as the result of step (its index in the wizard).
func (st *State) PutFrom(step int, v any) { st.put(step, v) }

func (st *State) put(step int, v any) {
	if v == nil {
		return
	}
	if st.vals == nil {
		st.vals = map[reflect.Type]entry{}
	}
	st.vals[reflect.TypeOf(v)] = entry{val: v, step: step}
}

// Forget drops the results of the steps after step: they were built on
// input that has just changed.
func (st *State) Forget(after int) {
	for t, e := range st.vals {
		if e.step > after {
			delete(st.vals, t)
		}
	}
}

// Get returns the value of type T, and whether there is one.
func Get[T any](st *State) (T, bool) {
	var zero T
	if st == nil {
		return zero, false
	}
	e, ok := st.vals[reflect.TypeFor[T]()]
	if !ok {
		return zero, false
	}
	v, ok := e.val.(T)
	return v, ok
}
