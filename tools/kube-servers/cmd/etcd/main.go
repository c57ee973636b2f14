// The etcd server at the version k8s.io/kubernetes itself requires, so the API server
// and its storage are the pair that release was tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
