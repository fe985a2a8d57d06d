"""Open311 GeoReport v2 under /open311/v2/: services are categories, service requests are tickets."""
