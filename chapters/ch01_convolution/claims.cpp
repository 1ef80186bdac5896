#include "chapters/ch00_foundation/verify.hpp"
namespace cnnlab::verify {
void register_ch01_claims(Registry& registry) { (void)registry; }
}
