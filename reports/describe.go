package reports

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/trail"
)

// describe writes an entry's typed detail for a reader: each field that
// is set, under its name in the reader's language where the dictionary
// has one ("f.<json name>") and its JSON name otherwise, times as dates,
// durations as Go writes them, lists joined. The struct's field order is
// kept, which is the order the trail encodes them in.
func (p pen) describe(d trail.Detail, raw string) string {
	if d == nil {
		return raw
	}
	v := reflect.ValueOf(d)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return fmt.Sprint(d)
	}
	var parts []string
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || v.Field(i).IsZero() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		parts = append(parts, p.l.word("f."+name)+": "+p.value(v.Field(i)))
	}
	return strings.Join(parts, "; ")
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[trail.Duration]()
)

func (p pen) value(v reflect.Value) string {
	switch {
	case v.Type() == timeType:
		return p.stamp(v.Interface().(time.Time))
	case v.Type() == durationType:
		return time.Duration(v.Interface().(trail.Duration)).Round(time.Second).String()
	}
	switch v.Kind() {
	case reflect.Bool:
		return p.l.word("yes")
	case reflect.Slice:
		s := make([]string, v.Len())
		for i := range s {
			s[i] = p.value(v.Index(i))
		}
		return strings.Join(s, ", ")
	case reflect.Float64, reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	case reflect.Struct:
		return fmt.Sprintf("%+v", v.Interface())
	}
	return fmt.Sprint(v.Interface())
}
