"""The Liège hub's screens, for its staff on a tablet, let in by
``web.access.hub_staff_required``.

- ``receiving``: the receiving screen: scan, weigh, receive or refuse a parcel,
  correct the last scan.
- ``consolidation``: bags, flights under their master air waybills, manifests.
- ``bonded``: the bonded warehouse in China: pick, pack and label paid parcels.
- ``returns``: the return desk: returns on their way back, received and checked.
"""
