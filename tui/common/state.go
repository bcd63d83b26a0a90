package common

import (
	"reflect"
	"slices"
)

// StepName identifies a step of the wizard: its title, as shown in the
// header and written in the saved progress (e.g. "Records"). Each step
// package declares its own as Name. Steps are addressed by name, never by
// their place in the wizard: only the shell knows the order.
type StepName string

// State carries what the steps have worked out (the domain, what DNS says,
// the provider, the plan, the reports, the advice) to the steps after them.
// Each value is stored under its own type, so a step reads an earlier
// step's result with Get[T] and the shell stores results without knowing
// what they are. The zero State is empty and ready to use.
type State struct {
	vals  map[reflect.Type]entry
	order []StepName // the steps in order, as the shell runs them
}

type entry struct {
	val  any
	step StepName // the step that produced it; "" for given values
}

// NewState returns an empty State holding the given values (the wizard's
// starting point, or a test's).
func NewState(vals ...any) *State {
	st := &State{}
	for _, v := range vals {
		st.put("", v)
	}
	return st
}

// SetOrder tells the State the order of the steps, so that Forget knows
// which come after a step. The shell calls it with its own list.
func (st *State) SetOrder(steps []StepName) { st.order = slices.Clone(steps) }

// Put stores v under its type, replacing the value stored there before.
// Values put here are never dropped by Forget.
func (st *State) Put(v any) { st.put("", v) }

// PutFrom stores v as the result of the step named step.
func (st *State) PutFrom(step StepName, v any) { st.put(step, v) }

func (st *State) put(step StepName, v any) {
	if v == nil {
		return
	}
	if st.vals == nil {
		st.vals = map[reflect.Type]entry{}
	}
	st.vals[reflect.TypeOf(v)] = entry{val: v, step: step}
}

// Forget drops the results of the steps that come after the step named
// after (in the order given to SetOrder): they were built on input that
// has just changed. Results of steps not in the order are kept.
func (st *State) Forget(after StepName) {
	at := slices.Index(st.order, after)
	if at < 0 {
		return
	}
	for t, e := range st.vals {
		if i := slices.Index(st.order, e.step); e.step != "" && i > at {
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
