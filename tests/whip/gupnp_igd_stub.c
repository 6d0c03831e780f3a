/* A stand-in for libgupnp-igd-1.0.so.4, for simple-whip-client only
 * (tests/whip/clients.py's WhipClientPublisher puts it first on
 * LD_LIBRARY_PATH). On Debian 12 whip-client links libsoup 2.4 while libnice
 * pulls libsoup 3 through gupnp-igd -> gupnp 1.6, and libsoup aborts the
 * process ("libsoup2 symbols detected. Using libsoup2 and libsoup3 in the
 * same process is not supported"). libnice uses these four symbols only for
 * UPnP port mappings, and does none when gupnp_simple_igd_thread_new()
 * returns NULL; the tests never need UPnP (no router in the namespace).
 * Built by tests/whip/setup_clients.sh into tests/whip/build/. */
typedef unsigned long GType;
extern GType g_object_get_type(void);

GType gupnp_simple_igd_get_type(void) { return g_object_get_type(); }
void *gupnp_simple_igd_thread_new(void) { return 0; }
void gupnp_simple_igd_add_port(void *self, const char *protocol, unsigned external_port,
                               const char *local_ip, unsigned local_port,
                               unsigned lease_duration, const char *description) {
    (void)self; (void)protocol; (void)external_port; (void)local_ip; (void)local_port;
    (void)lease_duration; (void)description;
}
void gupnp_simple_igd_remove_port_local(void *self, const char *protocol,
                                        const char *local_ip, unsigned local_port) {
    (void)self; (void)protocol; (void)local_ip; (void)local_port;
}
