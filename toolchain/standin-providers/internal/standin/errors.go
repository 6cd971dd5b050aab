package standin

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
)

// TFErrors renders Terraform diagnostics the way the bridge reports them (a
// hashicorp/go-multierror list).
func TFErrors(messages ...string) error {
	if len(messages) == 1 {
		return fmt.Errorf("1 error occurred:\n\t* %s\n\n", messages[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d errors occurred:\n", len(messages))
	for _, m := range messages {
		fmt.Fprintf(&b, "\t* %s\n", m)
	}
	return fmt.Errorf("%s\n", b.String())
}

// InitError is a failure after the object was made: the engine keeps it in the
// state (with these properties) and reports the reason.
func InitError(id string, props resource.PropertyMap, reason string) error {
	state, err := Marshal(props)
	if err != nil {
		return err
	}
	detail := &pulumirpc.ErrorResourceInitFailed{Id: id, Properties: state, Reasons: []string{reason}}
	return rpcerror.WithDetails(rpcerror.New(codes.Unknown, reason), detail)
}
