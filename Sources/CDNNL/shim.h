// oneDNN's C API (Debian's libdnnl-dev, 2.6): the matmul primitive is qlab's second matrix-product backend.
#include <oneapi/dnnl/dnnl.h>
