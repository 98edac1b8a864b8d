package multiorg

import "slices"

// ChildTypes are the type tokens of the resources the MultiOrg registers
// for its organizations, from the table of its children's names
// (childKinds), sorted, each once: what a stack of it can hold.
func ChildTypes() []string {
	var types []string
	for _, k := range childKinds {
		for _, t := range k.types {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	slices.Sort(types)
	return types
}
