package localapi

import "net/http"

// Clusters: the specification's "Clusters" family. atlas-local runs no
// clusters; the provider lists a project's clusters after creating it and
// before deleting it, and an empty list is the true answer.

func (s *Server) listClusters(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	if _, e := s.group(r, caller, false); e != nil {
		return e
	}
	return page(w, r, []map[string]any{})
}
