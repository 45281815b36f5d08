// torch's default random generator is process-wide: tests that seed it and then train must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
