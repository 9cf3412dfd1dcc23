package service_test

import "context"

var ctxBG = context.Background()
