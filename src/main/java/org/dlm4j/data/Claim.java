package org.dlm4j.data;

/**
 * A statement about a {@link World} that is either true or false in it. Claims are both sentences of the
 * stories ("Now the red ball was with Tom.") and the endings of the multiple-choice items, whose one correct
 * ending is the only claim that {@link #holds} in the world the context describes.
 */
public sealed interface Claim {

    boolean holds(World world);

    /** The claim as an English sentence, using the world's names. */
    String render(World world);

    /** The claim as the stories restate a fact: "Now Mia had two apples.", "Now the red ball was in the park." */
    default String restate(World world) {
        String text = render(world);
        return "Now " + (text.startsWith("The ") ? "the " + text.substring(4) : text);
    }

    /** "The {object} was with {name}." */
    record ObjectHolder(int object, int character) implements Claim {
        @Override
        public boolean holds(World world) {
            return world.holder(object) == character;
        }

        @Override
        public String render(World world) {
            return "The " + world.object(object) + " was with " + world.name(character) + ".";
        }
    }

    /** "{name} was in the {place}." */
    record CharacterPlace(int character, int place) implements Claim {
        @Override
        public boolean holds(World world) {
            return world.placeOf(character) == place;
        }

        @Override
        public String render(World world) {
            return world.name(character) + " was in the " + world.place(place) + ".";
        }
    }

    /** "The {object} was in the {place}." (where it is, held or not) */
    record ObjectPlace(int object, int place) implements Claim {
        @Override
        public boolean holds(World world) {
            return world.placeOfObject(object) == place;
        }

        @Override
        public String render(World world) {
            return "The " + world.object(object) + " was in the " + world.place(place) + ".";
        }
    }

    /** "{name} had {count} {fruit}s." */
    record FruitCount(int character, int count) implements Claim {
        @Override
        public boolean holds(World world) {
            return world.fruitCount(character) == count;
        }

        @Override
        public String render(World world) {
            return world.name(character) + " had " + Words.count(count, world.fruit()) + ".";
        }
    }
}
