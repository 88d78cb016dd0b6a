//go:build !linux

package hotlist

func adviseHuge[T any](s []T) {}
