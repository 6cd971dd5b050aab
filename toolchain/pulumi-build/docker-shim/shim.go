// Package shim exposes the upstream Terraform Docker provider to the Pulumi
// bridge. The bridge imports it as terraform-provider-docker/shim, and it has
// to live inside the upstream module because provider.New is internal there.
package shim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// NewProvider returns the upstream provider; the bridge stamps its own version.
func NewProvider() *schema.Provider {
	return provider.New("dev")()
}
